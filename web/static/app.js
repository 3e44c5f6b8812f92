// Progressive enhancement only: the pages work without JavaScript.
// Copy buttons: <button data-copy="#id"> copies the text of the element #id.
document.addEventListener("click", function (ev) {
  var b = ev.target.closest("[data-copy]");
  if (!b || !navigator.clipboard) return;
  var el = document.querySelector(b.getAttribute("data-copy"));
  if (!el) return;
  navigator.clipboard.writeText(el.value || el.textContent).then(function () {
    var old = b.textContent;
    b.textContent = b.getAttribute("data-copied") || "Copied";
    setTimeout(function () { b.textContent = old; }, 1500);
  });
});
// The language switcher submits itself on change; its button stays for keyboards and no-JS.
document.querySelectorAll("form.lang-form select").forEach(function (s) {
  s.addEventListener("change", function () { s.form.submit(); });
});
