"""Text no service can store, refused at the edge: a variable carrying a NUL character or an
unpaired surrogate gets BAD_USER_INPUT naming it before anything runs (a surrogate cannot even
be put in a protobuf message: it would be a crash). A literal cannot carry a surrogate (the
parser refuses it), and a NUL in a literal reaches the service, which refuses it by name."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import OperationType
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from gateway.graphql.errors import bad_input
from services.kernel.validation import json_text_problem


class StorableText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.operation_type is not OperationType.SUBSCRIPTION:  # a feed position, not stored
            for name, value in (context.variables or {}).items():
                if (problem := json_text_problem(value, f"${name}")) is not None:
                    context.result = ExecutionResult(data=None, errors=[
                        bad_input(f"variable {problem}")])
                    break
        yield
