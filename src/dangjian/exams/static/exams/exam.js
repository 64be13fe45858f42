// The exam sheet: a countdown shown to the member (the server's deadline decides; this only displays it
// and hands the sheet in when it reaches zero). No inline script: the CSP forbids it.
(function () {
  const clock = document.getElementById("exam-remaining");
  const form = document.getElementById("exam-form");
  if (!clock || !form) {
    return;
  }
  const end = Date.now() + Number(clock.dataset.seconds) * 1000;
  let submitted = false;
  function show() {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    clock.textContent = minutes + "分" + seconds + "秒";
    if (left === 0 && !submitted) {
      submitted = true;
      const action = document.createElement("input");
      action.type = "hidden";
      action.name = "action";
      action.value = "submit";
      form.appendChild(action);
      form.removeAttribute("hx-post");
      form.submit();
      return;
    }
    window.setTimeout(show, 1000);
  }
  show();
})();
