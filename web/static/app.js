// socfeed web UI: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";
  // Changing the sort order submits the search form.
  var sort = document.getElementById("sort");
  if (sort && sort.form) {
    sort.addEventListener("change", function () { sort.form.submit(); });
  }
  // "/" focuses the search box, as in most feeds.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    var box = document.querySelector(".search input[type=search], .top-search input[type=search]");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  // Copy buttons copy the text of the element named by data-copy.
  document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var el = document.getElementById(b.getAttribute("data-copy"));
      if (!el || !navigator.clipboard) return;
      navigator.clipboard.writeText(el.textContent).then(function () {
        var old = b.textContent;
        b.textContent = "Copied";
        setTimeout(function () { b.textContent = old; }, 1200);
      });
    });
  });
  // The run button shows that the run is in progress.
  document.querySelectorAll("form.run-form").forEach(function (f) {
    f.addEventListener("submit", function () {
      var b = f.querySelector("button");
      if (b) { b.disabled = true; b.textContent = "Running…"; }
    });
  });
})();
