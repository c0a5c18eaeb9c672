// The SPARQL editor: YASGUI pointed at this service's /sparql, with the named queries as examples.
(function () {
  const endpoint = new URL("/sparql", window.location.href).toString();
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistencyExpire: 0,
  });
  window.policykgYasgui = yasgui;
  const examples = JSON.parse(document.getElementById("named-queries").textContent);
  const byName = Object.fromEntries(examples.map((q) => [q.name, q]));
  document.getElementById("examples").addEventListener("change", (event) => {
    const query = byName[event.target.value];
    if (!query) return;
    const tab = yasgui.addTab(true, {
      ...Yasgui.Tab.getDefaults(),
      name: query.title,
      yasqe: { value: query.example },
      requestConfig: { ...Yasgui.Tab.getDefaults().requestConfig, endpoint: endpoint },
    });
    tab.getYasqe().setValue(query.example);
  });
})();
