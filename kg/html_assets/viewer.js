/* The kg graph viewer: search, filters, side panel, tooltips, overview/expand.
 *
 * All data comes from <script type="application/json" id="kg-data"> and is put
 * on the page with textContent only: labels and sentences are text, never markup.
 * When the layout has settled, physics is switched off and window.kgReady = true.
 */
(function () {
  "use strict";

  performance.mark("kg-start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg-parsed");
  var details = data.details;
  var total = data.nodes.length;
  var DIM_NODE = "rgba(200,205,212,0.35)";
  var DIM_FONT = "rgba(120,120,120,0.35)";
  var DIM_EDGE = "rgba(200,205,212,0.25)";
  var FONT_COLOR = (data.options.nodes && data.options.nodes.font && data.options.nodes.font.color) || "#333333";
  var MAX_RESULTS = 12;

  // ------------------------------------------------------------ indexes

  var classInfo = {};
  data.classes.forEach(function (c) { classInfo[c.name] = c; });
  var incident = [];  // node id -> edge ids
  for (var i = 0; i < total; i++) incident.push([]);
  data.edges.forEach(function (e) { incident[e.from].push(e.id); if (e.to !== e.from) incident[e.to].push(e.id); });

  var T2S = data.t2s || {};
  function normalize(text) {
    var out = "";
    for (var ch of String(text)) out += Object.prototype.hasOwnProperty.call(T2S, ch) ? T2S[ch] : ch;
    return out.toLowerCase().replace(/\s+/g, "");
  }
  var searchKeys = details.nodes.map(function (d) { return [d.label].concat(d.alt).map(normalize); });

  // ------------------------------------------------------------ state

  var state = {
    classOn: {},
    article: "",            // article index as a string, "" = all
    showContext: false,     // kg:mentionedIn links
    loaded: new Set(),      // node ids in the DataSet
    forced: new Set(),      // nodes shown by search although a filter hides them
    selected: null,
    highlighted: false
  };
  data.classes.forEach(function (c) { state.classOn[c.name] = true; });

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();

  function isFiltered(id) {
    if (state.forced.has(id)) return false;
    var d = details.nodes[id];
    if (!state.classOn[d.cls]) return true;
    if (state.article !== "" && d.articles.indexOf(Number(state.article)) < 0) return true;
    return false;
  }

  function edgeWanted(edgeId) {
    var e = data.edges[edgeId];
    if (details.edges[edgeId].ctx && !state.showContext) return false;
    return state.loaded.has(e.from) && state.loaded.has(e.to);
  }

  function visNode(id, position) {
    var n = Object.assign({}, data.nodes[id], { hidden: isFiltered(id) });
    if (position) { n.x = position.x; n.y = position.y; }
    return n;
  }

  /* Add nodes (and the edges that now have both ends loaded). positions: id -> {x, y}. */
  function loadNodes(ids, positions) {
    var fresh = ids.filter(function (id) { return !state.loaded.has(id); });
    if (!fresh.length) return 0;
    fresh.forEach(function (id) { state.loaded.add(id); });
    nodes.add(fresh.map(function (id) { return visNode(id, positions && positions[id]); }));
    var newEdges = new Set();
    fresh.forEach(function (id) {
      incident[id].forEach(function (eid) { if (edgeWanted(eid) && !edges.get(eid)) newEdges.add(eid); });
    });
    edges.add(Array.from(newEdges).map(function (eid) { return data.edges[eid]; }));
    updateStatus();
    return fresh.length;
  }

  function syncContextEdges() {
    var add = [], remove = [];
    data.edges.forEach(function (e) {
      if (!details.edges[e.id].ctx) return;
      var want = edgeWanted(e.id), has = edges.get(e.id) !== null;
      if (want && !has) add.push(e); else if (!want && has) remove.push(e.id);
    });
    if (remove.length) edges.remove(remove);
    if (add.length) edges.add(add);
    updateStatus();
  }

  function applyFilters() {
    nodes.update(Array.from(state.loaded).map(function (id) { return { id: id, hidden: isFiltered(id) }; }));
    if (state.selected !== null && isFiltered(state.selected)) clearSelection();
    updateStatus();
  }

  // ------------------------------------------------------------ network

  var container = document.getElementById("kg-network");
  var statusEl = document.getElementById("kg-status");
  var showAllBtn = document.getElementById("kg-show-all");
  var initial = data.initial || data.nodes.map(function (n) { return n.id; });
  loadNodes(initial);
  performance.mark("kg-loaded");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  performance.mark("kg-network");

  /* Layout runs until vis-network says it is stable or the time budget is spent,
   * whichever comes first: a slow machine gets a rougher layout, never a page
   * that takes minutes to become usable. Then physics goes off. */
  var layoutRun = null;
  function startLayoutRun(budgetMs, done) {
    var run = { started: performance.now(), budget: budgetMs, finished: false };
    run.finish = function () {
      if (run.finished) return;
      run.finished = true;
      if (layoutRun === run) layoutRun = null;
      network.stopSimulation();
      settle();
      done();
    };
    layoutRun = run;
    return run;
  }
  function settle() {
    // Once laid out, freeze: a still graph is easier to read and costs no CPU.
    network.setOptions({ physics: { enabled: false } });
  }
  network.on("stabilizationProgress", function () {
    if (layoutRun && performance.now() - layoutRun.started > layoutRun.budget) layoutRun.finish();
  });
  network.on("stabilizationIterationsDone", function () { if (layoutRun) layoutRun.finish(); });
  network.on("stabilized", function () { if (layoutRun) layoutRun.finish(); });

  var readyDone = false;
  function markReady() {
    if (readyDone) return;
    readyDone = true;
    network.fit({ animation: false });
    window.kgReady = true;
    window.kgReadyMs = performance.now();  // since navigation start, for benchmarks/bench_html.py
    document.documentElement.setAttribute("data-kg-ready", "true");
    document.dispatchEvent(new CustomEvent("kg-ready"));
  }
  var initialRun = startLayoutRun(data.meta.layoutBudgetMs, markReady);
  if (total === 0) {
    var empty = document.createElement("p");
    empty.className = "kg-empty";
    empty.textContent = "图谱为空 · The graph is empty";
    container.appendChild(empty);
    initialRun.finish();
  }

  // ------------------------------------------------------------ status, legend, filters

  function updateStatus() {
    var shown = 0;
    state.loaded.forEach(function (id) { if (!isFiltered(id)) shown++; });
    statusEl.textContent = "显示 " + shown + " / " + total + " 个节点 · " + edges.length + " 条连线 (shown nodes / links)";
    showAllBtn.hidden = state.loaded.size >= total;
  }

  var legend = document.getElementById("kg-legend");
  data.classes.forEach(function (c) {
    var li = document.createElement("li");
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = c.name;
    box.className = "kg-class-filter";
    box.setAttribute("data-class", c.name);
    box.addEventListener("change", function () { state.classOn[c.name] = box.checked; state.forced.clear(); applyFilters(); });
    var swatch = document.createElement("span");
    swatch.className = "kg-swatch";
    swatch.style.background = c.color;
    var name = document.createElement("span");
    name.textContent = c.zh + " " + c.en;
    var count = document.createElement("span");
    count.className = "kg-count";
    count.textContent = String(c.count);
    label.append(box, swatch, name, count);
    li.appendChild(label);
    legend.appendChild(li);
  });
  document.getElementById("kg-measure").textContent =
    "节点大小：" + data.meta.measure + " · Node size: " + data.meta.measure;

  var articleSelect = document.getElementById("kg-article-filter");
  data.articles.forEach(function (a, index) {
    var option = document.createElement("option");
    option.value = String(index);
    option.textContent = a.label;
    articleSelect.appendChild(option);
  });
  articleSelect.addEventListener("change", function () {
    state.article = articleSelect.value;
    state.forced.clear();
    applyFilters();
  });

  document.getElementById("kg-context").addEventListener("change", function (event) {
    state.showContext = event.target.checked;
    syncContextEdges();
  });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  showAllBtn.addEventListener("click", showAll);

  // ------------------------------------------------------------ expanding the overview

  function ring(center, ids, radius) {
    var positions = {};
    ids.forEach(function (id, k) {
      var angle = 2 * Math.PI * k / Math.max(1, ids.length);
      positions[id] = { x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) };
    });
    return positions;
  }

  function neighbours(id) {
    var found = new Set();
    incident[id].forEach(function (eid) {
      if (details.edges[eid].ctx && !state.showContext) return;
      var e = data.edges[eid];
      found.add(e.from === id ? e.to : e.from);
    });
    found.delete(id);
    return Array.from(found);
  }

  /* Add the neighbours of a node around it (double-click). */
  function expand(id) {
    var missing = neighbours(id).filter(function (n) { return !state.loaded.has(n); });
    if (!missing.length) return 0;
    var center = network.getPositions([id])[id] || { x: 0, y: 0 };
    var added = loadNodes(missing, ring(center, missing, 80 + 6 * Math.sqrt(missing.length) * 10));
    if (state.selected === id) { highlight(id); showPanel(id); }
    return added;
  }

  /* Load every node: each new node starts next to a loaded neighbour, then a short layout run. */
  function showAll() {
    var missing = [];
    for (var id = 0; id < total; id++) if (!state.loaded.has(id)) missing.push(id);
    if (!missing.length) return;
    var known = network.getPositions(Array.from(state.loaded));
    var positions = {};
    missing.forEach(function (id, k) {
      var anchor = null;
      var around = neighbours(id);
      for (var j = 0; j < around.length; j++) if (known[around[j]]) { anchor = known[around[j]]; break; }
      var angle = k * 2.399963;  // golden angle: spreads siblings around the anchor
      var r = anchor ? 60 + (k % 7) * 12 : 400 + Math.sqrt(k) * 25;
      var base = anchor || { x: 0, y: 0 };
      positions[id] = { x: base.x + r * Math.cos(angle), y: base.y + r * Math.sin(angle) };
    });
    loadNodes(missing, positions);
    network.setOptions({ physics: { enabled: true } });
    startLayoutRun(data.meta.layoutBudgetMs, function () {
      network.fit({ animation: false });
      document.documentElement.setAttribute("data-kg-all", "true");
    });
    network.stabilize(data.options.physics.stabilization.iterations);
  }

  // ------------------------------------------------------------ highlight and selection

  function highlight(id) {
    var keep = new Set([id]);
    var keepEdges = new Set();
    incident[id].forEach(function (eid) {
      if (edges.get(eid) === null) return;
      keepEdges.add(eid);
      keep.add(data.edges[eid].from);
      keep.add(data.edges[eid].to);
    });
    nodes.update(Array.from(state.loaded).map(function (n) {
      return keep.has(n)
        ? { id: n, color: data.nodes[n].color, font: { color: FONT_COLOR } }
        : { id: n, color: DIM_NODE, font: { color: DIM_FONT } };
    }));
    edges.update(edges.getIds().map(function (eid) {
      return keepEdges.has(eid) ? { id: eid, color: { color: "#555555", opacity: 1 } } : { id: eid, color: { color: DIM_EDGE } };
    }));
    state.highlighted = true;
  }

  function unhighlight() {
    if (!state.highlighted) return;
    nodes.update(Array.from(state.loaded).map(function (n) {
      return { id: n, color: data.nodes[n].color, font: { color: FONT_COLOR } };
    }));
    var base = data.options.edges.color;
    edges.update(edges.getIds().map(function (eid) { return { id: eid, color: base }; }));
    state.highlighted = false;
  }

  function select(id) {
    state.selected = id;
    highlight(id);
    showPanel(id);
    window.kgSelected = id;
  }

  function clearSelection() {
    state.selected = null;
    window.kgSelected = null;
    unhighlight();
    panel.hidden = true;
  }

  /* Bring a node into view: load it if the overview left it out, show it, select it. */
  function focusNode(id) {
    if (!state.loaded.has(id)) {
      var center = network.getViewPosition();
      var pos = {}; pos[id] = center;
      loadNodes([id], pos);
      expand(id);
    }
    if (isFiltered(id)) { state.forced.add(id); nodes.update({ id: id, hidden: false }); updateStatus(); }
    network.selectNodes([id]);
    select(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 250 } });
  }

  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0]); return; }
    if (params.edges.length) { showEdgePanel(params.edges[0]); return; }
    clearSelection();
  });
  network.on("doubleClick", function (params) { if (params.nodes.length) expand(params.nodes[0]); });

  // ------------------------------------------------------------ panel

  var panel = document.getElementById("kg-panel");
  var panelBody = document.getElementById("kg-panel-body");
  document.getElementById("kg-panel-close").addEventListener("click", function () {
    network.unselectAll();
    clearSelection();
  });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function classText(d) {
    var c = classInfo[d.cls];
    var text = c ? c.zh + " " + c.en : d.cls;
    if (d.sub) text += " · " + d.sub;
    return text;
  }

  function articleLabel(index) {
    return index >= 0 && data.articles[index] ? data.articles[index].label : "";
  }

  /* A sentence with its evidence span marked, as text nodes (no markup from the data). */
  /* Evidence rows name their sentence by number: the page holds each sentence once. */
  function sentenceText(ev) {
    return data.sentences[ev[0]] || "";
  }

  function evidenceBlock(ev) {
    var sentence = sentenceText(ev), start = ev[2], end = ev[3], sentenceStart = ev[4];
    var quote = el("blockquote", "kg-evidence");
    var from = -1, to = -1;
    if (sentenceStart !== null && start !== null && end !== null) {
      from = start - sentenceStart; to = end - sentenceStart;
    }
    if (from >= 0 && to > from && to <= sentence.length) {
      quote.append(document.createTextNode(sentence.slice(0, from)), el("mark", null, sentence.slice(from, to)),
                   document.createTextNode(sentence.slice(to)));
    } else {
      quote.append(document.createTextNode(sentence));
    }
    var source = articleLabel(ev[1]);
    if (source || start !== null) {
      quote.appendChild(el("span", "kg-evidence-source",
        "—— " + (source || "") + (start !== null ? " [" + start + "–" + end + "]" : "")));
    }
    return quote;
  }

  function nodeLink(id) {
    var button = el("button", "kg-link", details.nodes[id].label);
    button.type = "button";
    button.addEventListener("click", function () { focusNode(id); });
    return button;
  }

  function relationName(p) {
    var names = data.predicates[p] || [p, p];
    return names[0] + " " + names[1];
  }

  function showPanel(id) {
    var d = details.nodes[id];
    panelBody.replaceChildren();
    panelBody.appendChild(el("h2", "kg-panel-title", d.label));
    var cls = el("div", "kg-class");
    var swatch = el("span", "kg-swatch");
    swatch.style.background = data.nodes[id].color;
    cls.append(swatch, el("span", null, classText(d)));
    panelBody.appendChild(cls);
    panelBody.appendChild(el("div", "kg-iri", d.iri));

    var table = el("table", "kg-attributes");
    function row(name, value) {
      var tr = el("tr");
      tr.append(el("td", null, name), el("td", null, value));
      table.appendChild(tr);
    }
    if (d.alt.length) row("别名 Aliases", d.alt.join("、"));
    d.attrs.forEach(function (a) { row(a[0] + " " + a[1], a[2]); });
    row(data.meta.measure, d.rank.toFixed(4));
    row("度 Degree", d.degree);
    panelBody.appendChild(table);

    if (d.articles.length) {
      panelBody.appendChild(el("h3", null, "文章 Articles"));
      var list = el("ul", "kg-articles");
      d.articles.forEach(function (a) { list.appendChild(el("li", null, articleLabel(a))); });
      panelBody.appendChild(list);
    }

    if (d.ev.length) {
      panelBody.appendChild(el("h3", null, "证据 Evidence"));
      d.ev.forEach(function (ev) { panelBody.appendChild(evidenceBlock(ev)); });
    }

    var attributeEvidence = d.attrs.filter(function (a) { return a[3] && a[3].length; });
    if (attributeEvidence.length) {
      panelBody.appendChild(el("h3", null, "属性证据 Attribute evidence"));
      var attrList = el("ul", "kg-attribute-evidence");
      attributeEvidence.forEach(function (a) {
        var li = el("li");
        li.appendChild(el("span", "kg-relation-name", a[0] + " " + a[1] + ": " + a[2]));
        a[3].forEach(function (ev) { li.appendChild(evidenceBlock(ev)); });
        attrList.appendChild(li);
      });
      panelBody.appendChild(attrList);
    }

    var relations = incident[id].filter(function (eid) { return !details.edges[eid].ctx; });
    if (relations.length) {
      panelBody.appendChild(el("h3", null, "关系 Relations (" + relations.length + ")"));
      var rels = el("ul", "kg-relations");
      relations.forEach(function (eid) {
        var e = data.edges[eid], outgoing = e.from === id;
        var li = el("li");
        li.append(el("span", null, outgoing ? "→" : "←"),
                  el("span", "kg-relation-name", relationName(details.edges[eid].p)),
                  nodeLink(outgoing ? e.to : e.from));
        details.edges[eid].ev.forEach(function (ev) { li.appendChild(evidenceBlock(ev)); });
        rels.appendChild(li);
      });
      panelBody.appendChild(rels);
    }

    var unloaded = neighbours(id).filter(function (n) { return !state.loaded.has(n); }).length;
    if (unloaded) {
      var more = el("button", null, "展开 " + unloaded + " 个邻居 Expand neighbours");
      more.type = "button";
      more.id = "kg-expand";
      more.addEventListener("click", function () { expand(id); });
      panelBody.appendChild(more);
    }
    panel.hidden = false;
  }

  function showEdgePanel(eid) {
    var e = data.edges[eid], d = details.edges[eid];
    unhighlight();
    state.selected = null;
    panelBody.replaceChildren();
    panelBody.appendChild(el("h2", "kg-panel-title", relationName(d.p)));
    var line = el("p");
    line.append(nodeLink(e.from), el("span", "kg-relation-name", "→"), nodeLink(e.to));
    panelBody.appendChild(line);
    if (d.ev.length) {
      panelBody.appendChild(el("h3", null, "证据 Evidence"));
      d.ev.forEach(function (ev) { panelBody.appendChild(evidenceBlock(ev)); });
    }
    panel.hidden = false;
  }

  // ------------------------------------------------------------ tooltips

  var tooltip = document.getElementById("kg-tooltip");
  function showTooltip(params, title, sub, ev) {
    tooltip.replaceChildren();
    tooltip.appendChild(el("div", "kg-tip-title", title));
    if (sub) tooltip.appendChild(el("div", "kg-tip-sub", sub));
    if (ev) {
      var text = el("div", "kg-tip-evidence", "“" + sentenceText(ev) + "”");
      var source = articleLabel(ev[1]);
      if (source) text.appendChild(el("div", "kg-tip-sub", "—— " + source));
      tooltip.appendChild(text);
    }
    var pointer = (params.pointer && params.pointer.DOM) || { x: 10, y: 10 };
    var box = container.getBoundingClientRect(), main = container.parentNode.getBoundingClientRect();
    tooltip.style.left = Math.round(box.left - main.left + pointer.x + 14) + "px";
    tooltip.style.top = Math.round(box.top - main.top + pointer.y + 14) + "px";
    tooltip.hidden = false;
  }
  function firstNodeEvidence(id) {
    var d = details.nodes[id];
    if (d.ev.length) return d.ev[0];
    for (var k = 0; k < incident[id].length; k++) {
      var ev = details.edges[incident[id][k]].ev;
      if (ev.length) return ev[0];
    }
    return null;
  }
  network.on("hoverNode", function (params) {
    var d = details.nodes[params.node];
    showTooltip(params, d.label, classText(d), firstNodeEvidence(params.node));
  });
  network.on("hoverEdge", function (params) {
    var e = data.edges[params.edge], d = details.edges[params.edge];
    var sub = details.nodes[e.from].label + " → " + details.nodes[e.to].label;
    showTooltip(params, relationName(d.p), sub, d.ev[0] || null);
  });
  function hideTooltip() { tooltip.hidden = true; }
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // ------------------------------------------------------------ search

  var searchInput = document.getElementById("kg-search");
  var resultsList = document.getElementById("kg-results");

  /* Nodes whose label or alias contains the query: exact, then prefix, then substring; central first. */
  function search(query) {
    var q = normalize(query);
    if (!q) return [];
    var hits = [];
    for (var id = 0; id < total; id++) {
      var best = 3;
      searchKeys[id].forEach(function (key) {
        if (key === q) best = Math.min(best, 0);
        else if (key.indexOf(q) === 0) best = Math.min(best, 1);
        else if (key.indexOf(q) > 0) best = Math.min(best, 2);
      });
      if (best < 3) hits.push([best, -details.nodes[id].rank, details.nodes[id].label.length, id]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]; });
    return hits.map(function (h) { return h[3]; });
  }

  function renderResults(ids) {
    resultsList.replaceChildren();
    ids.slice(0, MAX_RESULTS).forEach(function (id, k) {
      var d = details.nodes[id];
      var li = el("li");
      var button = el("button", k === 0 ? "kg-active" : "", d.label);
      button.type = "button";
      button.setAttribute("data-node", String(id));
      button.appendChild(el("span", "kg-result-class", classText(d)));
      button.addEventListener("click", function () { pick(id); });
      li.appendChild(button);
      resultsList.appendChild(li);
    });
    if (!ids.length && searchInput.value.trim()) resultsList.appendChild(el("li", "kg-no-result", "没有匹配 No match"));
    resultsList.hidden = !searchInput.value.trim();
  }

  function pick(id) {
    resultsList.hidden = true;
    focusNode(id);
  }

  searchInput.addEventListener("input", function () { renderResults(search(searchInput.value)); });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var ids = search(searchInput.value);
      if (ids.length) pick(ids[0]);
    } else if (event.key === "Escape") {
      resultsList.hidden = true;
    }
  });
  document.addEventListener("click", function (event) {
    if (!document.getElementById("kg-search-box").contains(event.target)) resultsList.hidden = true;
  });

  // For tests, the benchmark and the curious: read-only handles, nothing that takes markup.
  window.kg = {
    network: network,
    nodes: nodes,
    edges: edges,
    total: total,
    search: search,
    focusNode: focusNode,
    expand: expand,
    showAll: showAll,
    nodeId: function (iri) {
      for (var id = 0; id < total; id++) if (details.nodes[id].iri === iri) return id;
      return null;
    }
  };
  updateStatus();
})();
