// The review's script: on the editor, each reason for 退回修改 is also shown next to the field,
// row or evidence it concerns; on the reviewer's page, more reason rows and "point a reason
// here" buttons; the print view's button. Plain JavaScript, loaded from 'self' (CSP forbids
// inline script). Everything it shows is on the page without it too.
"use strict";

(function () {
  const notes = document.querySelectorAll(".reason-note[data-target]");
  if (notes.length && document.getElementById("editor")) notes.forEach(placeNote);
  const returnForm = document.getElementById("return-form");
  if (returnForm) setUpReturn(returnForm);
  const print = document.getElementById("print");
  if (print) print.addEventListener("click", function () { window.print(); });

  function esc(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s; }

  // -- the editor: a copy of each reason next to its field ------------------------------------

  function inline(note) {
    const box = document.createElement("div");
    box.className = "reason-inline";
    box.setAttribute("role", "note");
    box.textContent = "退回意见：" + note.textContent;
    return box;
  }

  // The note goes into the row's widest cell (a phone leaves the first ones a few characters
  // wide), never into a row of its own: the editor numbers a table's rows by their position.
  function markRow(tr, note) {
    if (!tr) return false;
    tr.classList.add("has-reason");
    let cell = null;
    tr.querySelectorAll(":scope > td").forEach(function (td) {
      if (!cell || td.getBoundingClientRect().width > cell.getBoundingClientRect().width) cell = td;
    });
    if (cell) cell.append(inline(note));
    return Boolean(cell);
  }

  function placeNote(note) {
    const target = note.dataset.target;
    const at = target.indexOf("@");
    if (at >= 0) { // an indicator's evidence: every row of the 佐证材料 table filed under it
      const table = document.querySelector('[data-table-path="' + esc(target.slice(0, at)) + '"]');
      if (!table) return;
      const indicator = target.slice(at + 1);
      let placed = false;
      table.querySelectorAll('select[data-path$=".指标"], input[data-path$=".指标"]').forEach(function (el) {
        if (el.value === indicator) placed = markRow(el.closest("tr"), note) || placed;
      });
      if (!placed) table.before(inline(note));
      return;
    }
    const exact = document.querySelector('[data-path="' + esc(target) + '"]');
    if (exact) { // a field
      const line = exact.closest(".row-field") || exact.parentElement;
      line.classList.add("has-reason");
      line.append(inline(note));
      return;
    }
    const cell = document.querySelector('[data-path^="' + esc(target + ".") + '"]');
    if (cell && /\.\d+$/.test(target)) { markRow(cell.closest("tr"), note); return; }
    const table = document.querySelector('[data-table-path="' + esc(target) + '"]');
    if (table) table.before(inline(note));
  }

  // -- the reviewer's page: reasons for 退回修改 ----------------------------------------------

  function setUpReturn(form) {
    const list = document.getElementById("reason-rows");
    const template = document.getElementById("reason-template");
    const total = form.querySelector('input[name="reason-TOTAL_FORMS"]');
    function addRow() {
      const n = Number(total.value);
      if (n >= 50) return null;
      const html = template.innerHTML.replace(/__prefix__/g, String(n));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(n + 1);
      return list.lastElementChild;
    }
    document.getElementById("add-reason").addEventListener("click", function () {
      const row = addRow();
      if (row) row.querySelector("select").focus();
    });
    function emptyRow() {
      const rows = list.querySelectorAll(".reason-row");
      for (let i = 0; i < rows.length; i++) {
        const select = rows[i].querySelector("select");
        const text = rows[i].querySelector("input[type=text], input:not([type])");
        if (!select.value && !(text && text.value)) return rows[i];
      }
      return addRow();
    }
    // a small button on each place of the sheet the reviewer may point a reason at
    document.querySelectorAll("#sheet [data-target]").forEach(function (el) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "point-reason";
      button.textContent = "写退回意见";
      button.addEventListener("click", function () {
        const row = emptyRow();
        if (!row) return;
        row.querySelector("select").value = el.dataset.target;
        form.scrollIntoView({ block: "start" });
        const text = row.querySelector("input[type=text], input:not([type])");
        if (text) text.focus();
      });
      const where = el.tagName === "TR" ? el.querySelector("td") : (el.querySelector("h2, h3, dt") || el);
      where.append(button);
    });
  }
})();
