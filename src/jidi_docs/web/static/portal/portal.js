// The portal's only script: autosave of the editor, table rows, evidence uploads, job progress
// (bundles, and previews: the page reloads to show the finished images).
// Plain JavaScript, no build step, no third-party code; loaded from 'self' (CSP forbids inline).
"use strict";

(function () {
  const editor = document.getElementById("editor");
  if (editor) setUpEditor(editor);
  document.querySelectorAll(".job[data-status-url]").forEach(pollJob);

  function setUpEditor(root) {
    const status = document.getElementById("status");
    const conflict = document.getElementById("conflict");
    let version = Number(root.dataset.version);
    let timer = null;
    let saving = false;
    let again = false;
    let stopped = false;

    root.addEventListener("input", schedule);
    root.addEventListener("change", schedule);
    root.addEventListener("click", onClick);
    root.addEventListener("change", onFileChosen);
    root.addEventListener("dragover", function (e) {
      if (e.target.closest(".files")) e.preventDefault();
    });
    root.addEventListener("drop", onDrop);
    // Leaving the page (or closing the tab) saves what is pending; keepalive lets it finish.
    window.addEventListener("pagehide", function () { if (timer) flush(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && timer) flush();
    });

    function schedule(e) {
      if (e && e.target && e.target.type === "file") return;
      if (stopped) return;
      status.textContent = "正在编辑…";
      clearTimeout(timer);
      timer = setTimeout(flush, 700);
    }

    function flush() {
      clearTimeout(timer);
      timer = null;
      if (saving) { again = true; return; }
      save();
    }

    function collect() {
      const section = root.dataset.section;
      let out = {};
      root.querySelectorAll("[data-path]").forEach(function (el) {
        const parts = el.dataset.path.split(".");
        let value = el.value;
        if (el.dataset.list) value = value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
        setPath(out, parts, value, Boolean(el.dataset.multi));
      });
      // rows that exist but whose inputs are all gone still count as rows
      root.querySelectorAll("[data-table-path]").forEach(function (t) {
        const parts = t.dataset.tablePath.split(".");
        if (getPath(out, parts) === undefined) setPath(out, parts, [], false);
      });
      return out[section] === undefined ? "" : out[section];
    }

    function setPath(obj, parts, value, multi) {
      let cur = obj;
      for (let i = 0; i < parts.length - 1; i++) {
        const key = parts[i];
        const nextIsIndex = /^\d+$/.test(parts[i + 1]);
        if (cur[key] === undefined) cur[key] = nextIsIndex ? [] : {};
        cur = cur[key];
      }
      const last = parts[parts.length - 1];
      if (multi) { (cur[last] = cur[last] || []).push(value); } else { cur[last] = value; }
    }

    function getPath(obj, parts) {
      return parts.reduce(function (cur, k) { return cur === undefined ? undefined : cur[k]; }, obj);
    }

    function save() {
      saving = true;
      status.textContent = "正在保存…";
      const body = JSON.stringify({ section: root.dataset.section, version: version, value: collect() });
      return fetch(root.dataset.saveUrl, {
        method: "POST", body: body, credentials: "same-origin", keepalive: body.length < 60000,
        headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      }).then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (res) {
        if (res.status === 409) {
          stopped = true;
          conflict.hidden = false;
          conflict.textContent = res.data.conflict;
          status.textContent = "未保存（有冲突）";
          return;
        }
        if (res.status !== 200) { status.textContent = "保存失败：" + (res.data.error || res.status); return; }
        version = res.data.version;
        root.dataset.version = String(version);
        status.textContent = timer || again ? "正在编辑…" : "已保存（第 " + version + " 版）";
        showIssues(res.data.issues);
        showReport(res.data.report, res.data.issues);
      }).catch(function () {
        status.textContent = "保存失败：网络中断，恢复后会再次保存。";
        timer = setTimeout(flush, 5000);
      }).finally(function () {
        saving = false;
        if (again) { again = false; flush(); }
      });
    }

    function showIssues(issues) {
      root.querySelectorAll(".err").forEach(function (el) { el.textContent = ""; });
      root.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
      issues.forEach(function (issue) {
        const err = root.querySelector('.err[data-err="' + cssEscape(issue.path) + '"]');
        if (err) err.textContent = (err.textContent ? err.textContent + "；" : "") + issue.message;
        const input = root.querySelector('[data-path="' + cssEscape(issue.path) + '"]');
        if (input) input.classList.add("invalid");
      });
    }

    function showReport(report, issues) {
      const box = document.getElementById("report");
      if (!box) return;
      box.replaceChildren();
      const list = document.createElement("ul");
      if (report) {
        list.className = "report";
        report.forEach(function (c) {
          const li = document.createElement("li");
          li.className = "st-" + c.status;
          const b = document.createElement("b");
          b.textContent = c.status;
          const small = document.createElement("small");
          small.textContent = c.reason;
          li.append(b, " " + c.title, document.createElement("br"), small);
          list.append(li);
        });
      } else {
        const p = document.createElement("p");
        p.className = "bad";
        p.textContent = "还有 " + issues.length + " 处填写错误，改正后显示预审结果。";
        box.append(p);
        list.className = "issues";
        issues.forEach(function (i) {
          const li = document.createElement("li");
          li.textContent = "「" + i.field + "」" + i.message;
          list.append(li);
        });
      }
      box.append(list);
    }

    function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s; }

    function onClick(e) {
      const add = e.target.closest(".add-row");
      if (add) {
        const table = add.closest("[data-table-path]");
        const tpl = table.querySelector(":scope > template.row-template");
        const row = tpl.content.querySelector("tr").cloneNode(true);
        table.querySelector(":scope > table > tbody").append(row);
        renumber(table);
        const first = row.querySelector("[data-path]");
        if (first) first.focus();
        schedule();
        return;
      }
      const remove = e.target.closest(".remove-row");
      if (remove) {
        const table = remove.closest("[data-table-path]");
        remove.closest("tr").remove();
        renumber(table);
        schedule();
        return;
      }
      const removeFile = e.target.closest(".remove-file");
      if (removeFile) { removeFile.closest("li").remove(); schedule(); }
    }

    function renumber(table) {
      const depth = table.dataset.tablePath.split(".").length;
      table.querySelectorAll(":scope > table > tbody > tr").forEach(function (tr, n) {
        tr.querySelectorAll("[data-path], [data-err], [data-files-path]").forEach(function (el) {
          ["path", "err", "filesPath"].forEach(function (attr) {
            if (!el.dataset[attr]) return;
            const parts = el.dataset[attr].split(".");
            parts[depth] = String(n);
            el.dataset[attr] = parts.join(".");
          });
        });
      });
    }

    function onFileChosen(e) {
      if (!e.target.classList.contains("upload")) return;
      upload(e.target.closest(".files"), e.target.files);
      e.target.value = "";
    }

    function onDrop(e) {
      const box = e.target.closest(".files");
      if (!box) return;
      e.preventDefault();
      upload(box, e.dataTransfer.files);
    }

    function upload(box, files) {
      if (!files || !files.length) return;
      const form = new FormData();
      Array.prototype.forEach.call(files, function (f) { form.append("file", f); });
      status.textContent = "正在上传 " + files.length + " 个文件…";
      fetch(root.dataset.uploadUrl, {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": root.dataset.csrf },
      }).then(function (r) { return r.json(); }).then(function (data) {
        const list = box.querySelector("ul");
        (data.files || []).forEach(function (f) {
          const li = document.createElement("li");
          li.className = "file";
          const input = document.createElement("input");
          input.type = "hidden";
          input.dataset.path = box.dataset.filesPath;
          input.dataset.multi = "1";
          input.value = f.path;
          const span = document.createElement("span");
          span.textContent = f.name;
          const button = document.createElement("button");
          button.type = "button";
          button.className = "remove-file";
          button.textContent = "移除";
          li.append(input, span, " ", button);
          list.append(li);
        });
        const refused = data.refused || [];
        status.textContent = refused.length ? "未上传：" + refused.join(" ") : "已上传";
        if ((data.files || []).length) flush();
      }).catch(function () { status.textContent = "上传失败：网络中断，请重试。"; });
    }
  }

  function pollJob(li) {
    const label = li.querySelector(".job-label");
    const bar = li.querySelector("progress");
    const step = li.querySelector(".job-step");
    const link = li.querySelector(".job-link");
    const error = li.querySelector(".job-error");
    function tick() {
      fetch(li.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (d) {
          label.textContent = d.label + (d.ahead ? "（前面还有 " + d.ahead + " 份）" : "");
          bar.value = d.progress;
          step.textContent = d.step;
          error.textContent = d.error;
          if (li.dataset.reload && (d.state === "done" || d.state === "failed")) { window.location.reload(); return; }
          if (d.state === "done") { link.href = d.url; link.hidden = false; return; }
          if (d.state !== "failed") setTimeout(tick, 1500);
        }).catch(function () { setTimeout(tick, 5000); });
    }
    tick();
  }
})();
