// One request per file, so that each file gets its own progress bar and its own result.
"use strict";

(function () {
  const form = document.getElementById("upload");
  const list = document.getElementById("progress");
  if (!form || !list) return;
  const maxBytes = Number(form.dataset.maxBytes);

  function row(name) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "status";
    item.append(label, bar, status);
    list.append(item);
    return { bar, status };
  }

  function send(file, fields, ui) {
    return new Promise((resolve) => {
      if (file.size > maxBytes) {
        ui.status.textContent = "too large (the limit is " + (maxBytes / 1048576) + " MiB)";
        resolve();
        return;
      }
      const body = new FormData();
      body.append("caption", fields.caption);
      body.append("visibility", fields.visibility);
      body.append("file", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.api);
      xhr.setRequestHeader("X-CSRF-Token", fields.csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) ui.bar.value = Math.round((100 * event.loaded) / event.total);
      });
      xhr.addEventListener("load", () => {
        let answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (error) { answer = {}; }
        if (xhr.status === 201) {
          ui.bar.value = 100;
          const link = document.createElement("a");
          link.href = "/photos/" + answer.id;
          link.textContent = "uploaded";
          ui.status.replaceChildren(link);
        } else {
          ui.status.textContent = (answer.error && answer.error.message) || ("failed (HTTP " + xhr.status + ")");
        }
        resolve();
      });
      xhr.addEventListener("error", () => {
        ui.status.textContent = "the connection failed; try again";
        resolve();
      });
      xhr.send(body);
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = Array.from(form.elements.file.files);
    const fields = {
      caption: form.elements.caption.value,
      visibility: form.elements.visibility.value,
      csrf: form.elements.csrf_token.value,
    };
    list.replaceChildren();
    const rows = files.map((file) => row(file.name));
    for (let index = 0; index < files.length; index += 1) {
      await send(files[index], fields, rows[index]);
    }
  });
})();
