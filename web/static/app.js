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
// The language switcher submits itself on change; its button is in <noscript>.
document.querySelectorAll("form.lang-form select").forEach(function (s) {
  s.addEventListener("change", function () { s.form.submit(); });
});
// Delivery feedback is answered in place: the vote is posted in the background and the
// thanks takes the place of the buttons. Without JavaScript the form posts and the page
// comes back with the thanks in the same place.
document.addEventListener("submit", function (ev) {
  var f = ev.target;
  if (!f.matches || !f.matches("form.vote-form") || !window.fetch) return;
  ev.preventDefault();
  var body = new URLSearchParams(new FormData(f));
  if (ev.submitter && ev.submitter.name) body.set(ev.submitter.name, ev.submitter.value);
  var set = f.querySelector("fieldset");
  set.disabled = true;
  fetch(f.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    var msg = f.querySelector(".vote-thanks");
    set.hidden = true;
    msg.textContent = msg.getAttribute("data-thanks");
    msg.setAttribute("data-testid", "feedback-thanks");
  }).catch(function () {
    set.disabled = false; // let the shopper try again
  });
});
