class RestError(Exception):
    """Answered as the engine does: {"type": "...Exception", "message": "..."} with a status."""

    def __init__(
        self, status: int, message: str, exception_type: str = "InvalidRequestException", code: int = 0
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.exception_type = exception_type
        self.code = code

    def body(self) -> dict:
        return {"type": self.exception_type, "message": self.message, "code": self.code}


def invalid(message: str) -> RestError:
    return RestError(400, message)


def not_found(message: str) -> RestError:
    return RestError(404, message)
