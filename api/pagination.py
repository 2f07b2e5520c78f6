"""Lists page by page, in a stable order that each view sets.

`page` and `page_size` are whole numbers (`page_size` at most `max_page_size`), and the schema says
so: a size that is not one is refused with a 400, not quietly replaced by the default, so a client
never mistakes a default page for the one it asked for. A page past the last is a 404. Either left
empty (`?page=`) is as if left out, like an empty filter.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()  # `page=last` is not a number: the schema does not offer it

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size  # left out, or empty as an empty filter is
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            message = _("A page holds 1 to %(most)s results.") % {"most": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
            parameter["allowEmptyValue"] = True  # the first page, the default size
        return parameters
