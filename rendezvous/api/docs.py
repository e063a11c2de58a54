"""The API's reference page: Swagger UI from our own static files, inside the site's page with
its header, language and a short guide, so that it reads as part of the product."""

from ninja.openapi.docs import Swagger


class ApiDocs(Swagger):
    template = "api/docs.html"
    default_settings = {
        **Swagger.default_settings,
        "docExpansion": "none",  # the list of operations first, each opened on demand
        "defaultModelsExpandDepth": -1,  # no schema list under the operations
        "tryItOutEnabled": False,
    }
