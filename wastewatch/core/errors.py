"""The one error type of the platform and its body.

Every write path raises ServiceError; the API and the pages turn it into
{"code", "message", "details": [{"index", "field", "reason"}]} with Chinese text.
"""


class ServiceError(Exception):
    def __init__(self, message, *, code="invalid", details=None, status=400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = list(details or [])
        self.status = status

    def body(self):
        return {"code": self.code, "message": self.message, "details": self.details}


def form_error_details(form, index=None):
    """Turn a bound Django form's errors into detail rows (field and Chinese reason)."""
    details = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            row = {"field": field if field != "__all__" else "", "label": str(label or ""), "reason": str(error)}
            if index is not None:
                row["index"] = index
            details.append(row)
    return details
