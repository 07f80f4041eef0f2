/* The SPARQL editor (YASGUI) on /sparql, set up from the page's JSON configuration: a script of our own
   origin, so the page's Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var source = document.getElementById("editor-config");
  if (!source || !window.Yasgui) { return; }
  var config = JSON.parse(source.textContent);
  // Class and property completion would ask lov.linkeddata.es; keep completion on this page's own data.
  var completers = Yasqe.defaults.autocompleters;
  completers.splice(0, completers.length, "variables", "prefixes");
  Yasqe.defaults.value = config.example;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; }, keys: [] },
    copyEndpointOnNewTab: false,
    populateFromUrl: true,
  });
  // Tabs restored from an earlier visit may point elsewhere: this page always queries its own endpoint.
  Object.keys(yasgui._tabs || {}).forEach(function (id) { yasgui.getTab(id).setEndpoint(config.endpoint); });
  window.openbaarYasgui = yasgui;
}());
