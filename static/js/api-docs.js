// The API's reference page: Swagger UI with the settings the page carries, sending the
// session's CSRF token on the calls "Try it out" makes.
const reference = document.getElementById("swagger-ui");
const settings = JSON.parse(reference.dataset.settings);
settings.dom_id = "#swagger-ui";
settings.presets = [SwaggerUIBundle.presets.apis];
settings.requestInterceptor = (request) => {
  request.headers["X-CSRFToken"] = reference.dataset.csrfToken;
  return request;
};
SwaggerUIBundle(settings);
