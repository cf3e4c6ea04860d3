// The search page's one script (the only page that loads one; its own CSP allows it): Pagefind's UI over
// the index the build made from the public text (src/integration/search-index.ts). Without scripts the
// page lists every post instead.
(function () {
  var box = document.getElementById('search');
  if (!box || typeof window.PagefindUI !== 'function') return;
  var ui = new window.PagefindUI({ element: '#search', showSubResults: true, showImages: false });
  var all = document.getElementById('search-all');
  if (all) all.hidden = true;
  var q = new URLSearchParams(window.location.search).get('q');
  if (q) ui.triggerSearch(q);
})();
