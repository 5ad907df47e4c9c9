// Messages translated on the server and handed to the page as a JSON data block.
// A page may add messages only it needs, so that phones never download them.
const pageMessages = document.getElementById("i18n-page-messages");
const messages = {
  ...JSON.parse(document.getElementById("i18n-messages").textContent),
  ...(pageMessages ? JSON.parse(pageMessages.textContent) : {}),
};

export function t(key, params = {}) {
  const template = messages[key] ?? key;
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

export function pageConfig() {
  return JSON.parse(document.getElementById("page-config").textContent);
}
