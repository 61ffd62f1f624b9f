// The portal's only script: the editor's autosave (with every way a save can fail told apart and
// nothing typed ever lost), table rows, evidence uploads with progress per file, job progress
// (bundles, and previews: the page reloads to show the finished images).
// Plain JavaScript, no build step, no third-party code; loaded from 'self' (CSP forbids inline).
"use strict";

(function () {
  const editor = document.getElementById("editor");
  if (editor) setUpEditor(editor);
  document.querySelectorAll(".job[data-status-url]").forEach(pollJob);

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "className") node.className = props[k];
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  function setUpEditor(form) {
    const status = document.getElementById("status");
    const problem = document.getElementById("problem");
    const baseInput = form.querySelector('input[name="base"]');
    const csrfInput = form.querySelector('input[name="csrfmiddlewaretoken"]');
    const storeKey = "jidi-docs:" + form.dataset.app + ":" + form.dataset.section;
    let timer = null;
    let saving = false;
    let again = false;
    let halted = null; // why saving waits: "login", "conflict", "locked", "large", "server"
    let backoff = 0;
    let csrfRetried = false;

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("click", onClick);
    form.addEventListener("submit", function (e) { e.preventDefault(); flush(); });
    form.addEventListener("dragover", function (e) { if (e.target.closest(".files")) e.preventDefault(); });
    form.addEventListener("drop", onDrop);
    window.addEventListener("online", function () { if (backoff) { clearTimeout(timer); flush(); } });
    // Leaving the page (or closing the tab) sends what is pending; the browser's copy stays
    // until the server has it, so even a send that never arrives loses nothing.
    window.addEventListener("pagehide", function () { if (timer) save(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && timer) save(true);
      if (document.visibilityState === "visible" && halted === "login") checkLogin();
    });
    restore();

    // -- what the page holds, kept in the browser until the server has it ----------------------

    function snapshot() {
      const fields = [];
      new FormData(form).forEach(function (v, k) {
        if (k !== "csrfmiddlewaretoken" && typeof v === "string") fields.push([k, v]);
      });
      const files = {};
      form.querySelectorAll(".file-list li.file").forEach(function (li) {
        const input = li.querySelector("input");
        const name = li.querySelector(".file-name");
        files[input.value] = { name: name.textContent, url: name.getAttribute("href") || "" };
      });
      return { fields: fields, files: files, when: Date.now() };
    }

    function keep() {
      try { localStorage.setItem(storeKey, JSON.stringify(snapshot())); } catch (e) { /* full or off */ }
    }

    function forget() { try { localStorage.removeItem(storeKey); } catch (e) { /* off */ } }

    function kept() {
      try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
    }

    // Text typed before a failure (an expired login, a closed tab while offline) is put back
    // into the page and saved.
    function restore() {
      const copy = kept();
      if (!copy) return;
      // the same text as the page shows (the copy reached the server after all): nothing to do
      const typed = function (fields) { return JSON.stringify(fields.filter(function (kv) { return kv[0] !== "base"; })); };
      if (typed(snapshot().fields) === typed(copy.fields)) { forget(); return; }
      const values = {};
      copy.fields.forEach(function (kv) { (values[kv[0]] = values[kv[0]] || []).push(kv[1]); });
      form.querySelectorAll(".table[data-prefix]").forEach(function (table) {
        const total = Number((values[table.dataset.prefix + "-TOTAL_FORMS"] || ["0"])[0]);
        while (rows(table).length < total) addRow(table, false);
        while (rows(table).length > total) removeRow(rows(table)[rows(table).length - 1]);
      });
      form.querySelectorAll("[name]").forEach(function (input) {
        if (input.type === "hidden" || input.type === "file" || !(input.name in values)) return;
        input.value = values[input.name][0];
      });
      // the version the copy was typed on: if this section was saved elsewhere since, the
      // save is refused and both are shown, never overwritten unseen
      if (values.base) baseInput.value = values.base[0];
      form.querySelectorAll(".files[data-name]").forEach(function (box) {
        const list = box.querySelector(".file-list");
        list.replaceChildren();
        (values[box.dataset.name] || []).forEach(function (path) {
          let known = copy.files[path] || {};
          if (typeof known === "string") known = { name: known };  // kept by an earlier version
          list.append(fileItem(box.dataset.name, path, known.name || path, known.url));
        });
      });
      say("已恢复您上次在本机填写、尚未保存的内容，正在保存…");
      schedule(10);
    }

    // -- saving -----------------------------------------------------------------------------------

    function changed(e) {
      if (e && e.target && e.target.type === "file") return;
      keep();
      // waiting for the user to sign in again or to choose between two versions: typing goes
      // on into the browser's copy; after "too large" or a server error, a change is tried again
      if (halted === "login" || halted === "conflict" || halted === "locked") return;
      say("正在编辑…");
      schedule(700);
    }

    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(flush, ms);
    }

    function flush() {
      clearTimeout(timer);
      timer = null;
      if (saving) { again = true; return; }
      save(false);
    }

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("bad", Boolean(bad));
    }

    function show(nodes) {
      problem.replaceChildren.apply(problem, nodes);
      problem.hidden = nodes.length === 0;
    }

    function save(leaving) {
      saving = true;
      const body = new URLSearchParams(new FormData(form));
      if (!leaving) say("正在保存…");
      return fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin", keepalive: leaving,
        headers: { "Accept": "application/json", "X-CSRFToken": csrfInput.value },
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          return { status: r.status, data: data };
        });
      }).then(answered, function () {
        if (leaving) return;
        // no answer at all: offline, or the server is unreachable
        backoff = Math.min(backoff ? backoff * 2 : 2, 60);
        say("网络中断：您填写的内容已保存在本机浏览器中，" + backoff + " 秒后自动重试。", true);
        timer = setTimeout(flush, backoff * 1000);
      }).finally(function () {
        saving = false;
        if (again) { again = false; flush(); }
      });
    }

    function answered(res) {
      const data = res.data || {};
      backoff = 0;
      if (res.status === 200) {
        csrfRetried = false;
        halted = null;
        show([]);
        baseInput.value = String(data.base);
        if (!timer && !again) { forget(); say("已保存（第 " + data.version + " 版）"); }
        showErrors(data);
        showReport(data.report, data.issues);
        return;
      }
      if (res.status === 401) return loginExpired();
      if (res.status === 403 && data.csrf) return refreshToken();
      if (res.status === 409 && data.locked) {
        // submitted, in review: the draft may not change now; what was typed stays here
        halted = "locked";
        keep();
        say("未保存：申报已提交或正在审核。", true);
        show([el("p", { text: data.error || "" }), el("p", { text: "您填写的内容已保存在本机浏览器中，撤回提交或退回修改后打开本页即可继续保存。" })]);
        return;
      }
      if (res.status === 409) return conflict(data);
      if (res.status === 413) {
        halted = "large";
        say("未保存：内容太大。", true);
        show([el("p", { text: data.error || "这一页的内容超过了允许的大小，请删去一些内容后再保存。" })]);
        return;
      }
      if (res.status === 400) {
        say("未保存。", true);
        show([el("p", { text: data.error || "请求格式不对，请刷新页面后再填。" })]);
        return;
      }
      halted = "server";
      say("未保存：服务器出错。您填写的内容已保存在本机浏览器中。", true);
      const again_ = el("button", { type: "button", text: "重试保存" });
      again_.addEventListener("click", function () { halted = null; flush(); });
      show([
        el("p", { text: data.error || "服务器出错，没有保存。" }),
        el("p", { text: data.reference ? "出错编号：" + data.reference + "（联系管理员时请提供）" : "" }),
        again_,
      ]);
    }

    function refreshToken() {
      if (csrfRetried) {
        say("未保存：页面已过期。您填写的内容已保存在本机浏览器中，请刷新页面。", true);
        return;
      }
      csrfRetried = true;
      return fetch(form.dataset.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (!d.login) return loginExpired();
          csrfInput.value = d.token;
          document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (i) { i.value = d.token; });
          flush();
        }, function () { schedule(2000); });
    }

    function loginExpired() {
      if (halted !== "login") setTimeout(function poll() {
        // signed in again in another tab: save what was kept
        if (halted === "login") { checkLogin(); setTimeout(poll, 4000); }
      }, 4000);
      halted = "login";
      keep();
      say("未保存：登录已过期。您填写的内容已保存在本机浏览器中，没有丢失。", true);
      const user = el("input", { name: "username", autocomplete: "username", id: "relogin-user" });
      const pass = el("input", { name: "password", type: "password", autocomplete: "current-password", id: "relogin-pass" });
      const go = el("button", { type: "button", className: "primary", id: "relogin", text: "登录并保存" });
      const tab = el("a", { href: form.dataset.loginUrl, target: "_blank", rel: "noopener", id: "relogin-tab", text: "在新标签页登录" });
      const note = el("p", { className: "relogin-error", role: "alert" });
      go.addEventListener("click", function () { logIn(user.value, pass.value, note); });
      show([
        el("p", { text: "请重新登录，之后会保存您填写的内容。可以在这里登录，也可以" }, [tab, "（登录后回到本页即可）。"]),
        el("div", { className: "relogin" }, [
          el("label", { for: "relogin-user", text: "用户名" }), user,
          el("label", { for: "relogin-pass", text: "密码" }), pass, go,
        ]),
        note,
      ]);
    }

    function checkLogin() {
      fetch(form.dataset.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) { if (d.login) resume(d.token); });
    }

    function resume(token) {
      csrfInput.value = token;
      halted = null;
      show([]);
      flush();
    }

    function logIn(username, password, note) {
      fetch(form.dataset.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          const body = new URLSearchParams({ username: username, password: password, csrfmiddlewaretoken: d.token });
          return fetch(form.dataset.loginUrl, {
            method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": d.token },
          });
        })
        .then(function () { return fetch(form.dataset.csrfUrl, { credentials: "same-origin" }); })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (d.login) resume(d.token);
          else note.textContent = "用户名或密码不正确，或登录已暂停，请再试一次。";
        }, function () { note.textContent = "网络中断，请稍后再试。"; });
    }

    function conflict(data) {
      halted = "conflict";
      keep();
      say("未保存：这一栏在别处已被修改。", true);
      const rowsOf = (data.changes || []).map(function (c) {
        return el("tr", {}, [el("th", { scope: "row", text: c.field }), el("td", { text: c.mine }), el("td", { text: c.theirs })]);
      });
      const table = el("table", { className: "conflict-changes" }, [
        el("caption", { text: "不同之处" }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "栏目" }), el("th", { scope: "col", text: "您填写的" }), el("th", { scope: "col", text: "别处保存的" })])]),
        el("tbody", {}, rowsOf),
      ]);
      const mine = el("button", { type: "button", className: "primary", id: "keep-mine", text: "保留我填写的" });
      const theirs = el("button", { type: "button", id: "keep-theirs", text: "采用别处保存的" });
      mine.addEventListener("click", function () {
        baseInput.value = String(data.base);
        halted = null;
        show([]);
        flush();
      });
      theirs.addEventListener("click", function () { forget(); window.location.reload(); });
      show([el("p", { text: data.conflict || "" }), table, el("p", { className: "choices" }, [mine, " ", theirs])]);
      mine.focus();
    }

    function showErrors(data) {
      form.querySelectorAll(".err").forEach(function (e) { e.replaceChildren(); });
      form.querySelectorAll('[aria-invalid="true"]').forEach(function (e) { e.removeAttribute("aria-invalid"); });
      form.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
      Object.keys(data.errors || {}).forEach(function (path) {
        const err = form.querySelector('.err[data-err="' + cssEscape(path) + '"]');
        if (err) err.replaceChildren(el("span", { className: "err-label", text: "错误：" }), data.errors[path].join("；"));
        const input = form.querySelector('[data-path="' + cssEscape(path) + '"]');
        if (input) {
          input.setAttribute("aria-invalid", "true");
          const box = input.closest(".field");
          if (box) box.classList.add("has-error");
        }
      });
      const page = form.querySelector(".page-errors");
      page.replaceChildren.apply(page, (data.page_errors || []).map(function (t) { return el("p", { text: t }); }));
      const elsewhere = form.querySelector(".elsewhere");
      const list = elsewhere.querySelector("ul");
      list.replaceChildren.apply(list, (data.elsewhere || []).map(function (i) { return el("li", { text: "「" + i.field + "」" + i.message }); }));
      elsewhere.hidden = !(data.elsewhere || []).length;
    }

    function showReport(report, issues) {
      const box = document.getElementById("report");
      if (!box) return;
      box.replaceChildren();
      const list = document.createElement("ul");
      if (report) {
        list.className = "report";
        report.forEach(function (c) {
          list.append(el("li", { className: "st-" + c.status }, [
            el("b", { text: c.status }), " " + c.title, el("br"), el("small", { text: c.reason }),
          ]));
        });
      } else {
        box.append(el("p", { className: "bad", text: "还有 " + issues.length + " 处填写错误，改正后显示预审结果。" }));
        list.className = "issues";
        issues.forEach(function (i) { list.append(el("li", { text: "「" + i.field + "」" + i.message })); });
      }
      box.append(list);
    }

    function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s; }

    // -- table rows ---------------------------------------------------------------------------

    function rows(table) { return table.querySelectorAll(":scope > .rows > .row"); }

    function onClick(e) {
      const add = e.target.closest(".add-row");
      if (add) { addRow(add.closest(".table"), true); changed(); return; }
      const remove = e.target.closest(".remove-row");
      if (remove) {
        const table = remove.closest(".table");
        removeRow(remove.closest(".row"));
        const left = rows(table);
        (left.length ? left[left.length - 1].querySelector(".remove-row") : table.querySelector(".add-row")).focus();
        changed();
        return;
      }
      const removeFile = e.target.closest(".remove-file");
      if (removeFile) {
        const box = removeFile.closest(".files");
        removeFile.closest("li").remove();
        box.querySelector("input.upload").focus();
        changed();
      }
    }

    function total(table) {
      return table.querySelector('input[name="' + cssEscape(table.dataset.prefix) + '-TOTAL_FORMS"]');
    }

    function addRow(table, focus) {
      const n = rows(table).length;
      const tpl = table.querySelector(":scope > template.row-template");
      const row = tpl.content.querySelector(".row").cloneNode(true);
      renumber(row, table.dataset.prefix, "__prefix__", n);
      table.querySelector(":scope > .rows").append(row);
      total(table).value = String(n + 1);
      if (focus) {
        const first = row.querySelector("input, select, textarea");
        if (first) first.focus();
      }
    }

    function removeRow(row) {
      const table = row.closest(".table");
      const list = Array.prototype.slice.call(rows(table));
      const at = list.indexOf(row);
      row.remove();
      list.slice(at + 1).forEach(function (r, k) { renumber(r, table.dataset.prefix, String(at + k + 1), at + k); });
      total(table).value = String(list.length - 1);
    }

    // A row's inputs are named <table>-<n>-<column> and carry the path <table>.<n>.<column>.
    function renumber(row, prefix, from, to) {
      const pairs = [[prefix + "-" + from + "-", prefix + "-" + to + "-"], [prefix + "." + from + ".", prefix + "." + to + "."]];
      const exact = prefix + "." + from;
      const attrs = ["name", "id", "for", "data-path", "data-err", "data-note", "data-row", "data-files", "data-name", "aria-describedby"];
      [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (node) {
        attrs.forEach(function (a) {
          let v = node.getAttribute(a);
          if (v === null) return;
          pairs.forEach(function (p) { v = v.split(p[0]).join(p[1]); });
          if (v === exact) v = prefix + "." + to;
          node.setAttribute(a, v);
        });
      });
      row.querySelectorAll(".n").forEach(function (s) { s.textContent = String(to + 1); });
    }

    // -- uploads, one request per file so each shows its own progress -----------------------

    function onDrop(e) {
      const box = e.target.closest(".files");
      if (!box) return;
      e.preventDefault();
      upload(box, e.dataTransfer.files);
    }

    form.addEventListener("change", function (e) {
      if (!e.target.classList || !e.target.classList.contains("upload")) return;
      upload(e.target.closest(".files"), e.target.files);
      e.target.value = "";
    });

    function fileItem(name, path, label, url) {
      const button = el("button", { type: "button", className: "remove-file" }, ["移除", el("span", { className: "sr-only", text: "“" + label + "”" })]);
      return el("li", { className: "file" }, [
        el("input", { type: "hidden", name: name, value: path }),
        url ? el("a", { className: "file-name", href: url, text: label })
          : el("span", { className: "file-name", text: label }),
        " ", button,
      ]);
    }

    function upload(box, files) {
      Array.prototype.forEach.call(files || [], function (file) { uploadOne(box, file); });
    }

    function uploadOne(box, file) {
      const bar = el("progress", { max: "100", value: "0" });
      const state = el("span", { className: "upload-state", text: "正在上传…" });
      const item = el("li", {}, [el("span", { className: "file-name", text: file.name }), " ", bar, " ", state]);
      bar.setAttribute("aria-label", "“" + file.name + "”的上传进度");
      box.querySelector(".progress-list").append(item);
      const data = new FormData();
      data.append("file", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrfInput.value);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", function () {
        let reply = {};
        try { reply = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        const bad = function (text) { item.classList.add("bad"); state.textContent = "未上传：" + text; };
        if (xhr.status === 200 && (reply.files || []).length) {
          reply.files.forEach(function (f) { box.querySelector(".file-list").append(fileItem(box.dataset.name, f.path, f.name, f.url)); });
          item.remove();
          changed();
          return;
        }
        if (xhr.status === 401) { bad("登录已过期，请重新登录后再上传。"); loginExpired(); return; }
        if (xhr.status === 403 && reply.csrf) { bad("页面已过期，请刷新页面后再上传。"); return; }
        if (xhr.status === 413) { bad(reply.error || "文件太大。"); return; }
        if (xhr.status >= 500) { bad((reply.error || "服务器出错。") + (reply.reference ? "出错编号：" + reply.reference : "")); return; }
        bad((reply.refused || []).join(" ") || reply.error || "服务器没有接受这个文件。");
      });
      xhr.addEventListener("error", function () {
        item.classList.add("bad");
        state.textContent = "未上传：网络中断，请在网络恢复后重新选择这个文件。";
      });
      xhr.send(data);
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
