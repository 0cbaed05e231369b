"""What a GraphQL document costs: the most objects its lists may return. A list field asks for a
page (`first`, or its default; an unpaged list counts `UNPAGED`) and every field under it runs
that many times, so `conversations(first: 100) { edges { node { messages(first: 100) {...} } } }`
costs 100 + 100 x 100 = 10,100. A connection's own `edges` are its page, not another list.
An unpaged list of objects counts `UNPAGED`, a list of scalars nothing. Fragments count where
they are spread. Objects and scalars cost nothing of their own (batched loaders fetch them);
each operation costs at least 1."""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    value_from_ast,
)
from graphql.execution.values import get_variable_values

# A list of objects with no page argument: a handful (a message's attachments, the team, the
# accounts); larger ones are paged.
UNPAGED = 10
PAGE_ARGS = ("first", "last")


def document_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                  variables: dict[str, Any] | None) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 1
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    found = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    # Their defaults applied (graphql-core 3.3 wraps them; a list of errors when invalid:
    # the execution refuses those anyway, and the arguments' defaults say the pages).
    coerced = getattr(found, "coerced", found)
    walk = _Walk(schema, fragments, coerced if isinstance(coerced, dict) else {})
    return max(1, walk.cost(root, operation.selection_set, 1, False)) if root else 1


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any]) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables

    def cost(self, parent: GraphQLNamedType | None, selections: SelectionSetNode,
             times: int, in_page: bool) -> int:
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self._field(parent, node, times, in_page)
            elif isinstance(node, InlineFragmentNode):
                kind = (self.schema.get_type(node.type_condition.name.value)
                        if node.type_condition else parent)
                total += self.cost(kind, node.selection_set, times, in_page)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(kind, fragment.selection_set, times, in_page)
        return total

    def _field(self, parent: GraphQLNamedType | None, node: FieldNode, times: int,
               in_page: bool) -> int:
        if not isinstance(parent, GraphQLObjectType) or node.name.value.startswith("__"):
            return 0
        field = parent.fields.get(node.name.value)
        if field is None:
            return 0
        paged = self._page(field.args, node)
        # A list of scalars or enums (labels) is a value of its object, not more objects.
        is_list = (isinstance(get_nullable_type(field.type), GraphQLList)
                   and is_composite_type(get_named_type(field.type)))
        if paged is not None:
            size = paged
        elif is_list:
            size = 1 if in_page else UNPAGED  # a connection's edges are its page
        else:
            size = 1
        own = times * size if (paged is not None or (is_list and not in_page)) else 0
        if node.selection_set is None:
            return own
        # Under a paged field that is not itself a list (a connection), its lists are the page.
        below_page = paged is not None and not is_list
        return own + self.cost(get_named_type(field.type), node.selection_set, times * size,
                               below_page)

    def _page(self, args: dict[str, Any], node: FieldNode) -> int | None:
        for name in PAGE_ARGS:
            if name not in args:
                continue
            given = next((a for a in node.arguments or () if a.name.value == name), None)
            value = (value_from_ast(given.value, args[name].type, self.variables)
                     if given is not None else Undefined)
            if value is Undefined or value is None:  # not given, or a variable not sent
                value = args[name].default_value
            if isinstance(value, int) and value > 0:
                return value
            return 1
        return None
