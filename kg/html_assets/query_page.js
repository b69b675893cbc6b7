"use strict";
const form = document.getElementById("form");
const statusEl = document.getElementById("status");
const resultEl = document.getElementById("result");
function cell(term) {
  if (!term) return "";
  return term.value;
}
function showTable(data) {
  resultEl.textContent = "";
  if (typeof data.boolean === "boolean") { const p = document.createElement("p"); p.textContent = String(data.boolean); resultEl.appendChild(p); return; }
  const table = document.createElement("table");
  const head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = cell(b[v]);
  }
  resultEl.appendChild(table);
  statusEl.textContent = data.results.bindings.length + " rows";
}
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const format = document.getElementById("format").value;
  const body = new URLSearchParams({query: document.getElementById("query").value, format});
  statusEl.textContent = "running…";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {method: "POST", body});
    const text = await response.text();
    statusEl.textContent = (performance.now() - started).toFixed(0) + " ms";
    if (!response.ok) { resultEl.innerHTML = ""; const p = document.createElement("p"); p.className = "err"; p.textContent = response.status + " " + text; resultEl.appendChild(p); return; }
    if (format === "json" && (response.headers.get("Content-Type") || "").includes("sparql-results+json")) { showTable(JSON.parse(text)); return; }
    resultEl.textContent = ""; const pre = document.createElement("pre"); pre.textContent = text; resultEl.appendChild(pre);
  } catch (error) { statusEl.textContent = String(error); }
});
for (const button of document.querySelectorAll("button[data-query]")) {
  button.addEventListener("click", async () => {
    const name = button.dataset.query;
    const params = new URLSearchParams();
    for (const input of document.querySelectorAll("input[data-for='" + CSS.escape(name) + "']")) params.set(input.name, input.value);
    const response = await fetch("/queries/" + encodeURIComponent(name) + "?" + params);
    const text = await response.text();
    if (!response.ok) { statusEl.textContent = text; return; }
    document.getElementById("query").value = text;
    form.requestSubmit();
  });
}
