"""Errors of the FHIR facade, answered as OperationOutcome with the HTTP status the spec asks for.

400 the body is not FHIR (unparseable, fails fhir.resources validation, a code outside a required
binding); 404 unknown type or id (or outside the caller's scope: never told apart); 405 an
interaction we do not offer; 412 a conditional create that matches several resources; 422 valid
FHIR that our rules refuse (an unresolvable subject, a unit we cannot convert to, an impossible
value, a resident ID number that fails its check digit).
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class IssueType(StrEnum):
    """FHIR issue-type codes (http://hl7.org/fhir/issue-type) that we use."""

    INVALID = "invalid"
    STRUCTURE = "structure"
    REQUIRED = "required"
    VALUE = "value"
    INVARIANT = "invariant"
    SECURITY = "security"
    LOGIN = "login"
    FORBIDDEN = "forbidden"
    PROCESSING = "processing"
    NOT_SUPPORTED = "not-supported"
    DUPLICATE = "duplicate"
    MULTIPLE_MATCHES = "multiple-matches"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    EXCEPTION = "exception"
    INFORMATIONAL = "informational"


@dataclass(frozen=True)
class Issue:
    code: IssueType
    diagnostics: str
    expression: tuple[str, ...] = ()
    severity: str = "error"  # fatal | error | warning | information

    def to_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": str(self.code),
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue


class FHIRError(Exception):
    """A request the facade refuses. ``issues`` end up in the OperationOutcome."""

    def __init__(
        self,
        status: int,
        code: IssueType,
        diagnostics: str,
        *,
        expression: str | None = None,
        issues: list[Issue] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.issues = issues or [Issue(code, diagnostics, (expression,) if expression else ())]

    @property
    def diagnostics(self) -> str:
        return "; ".join(issue.diagnostics for issue in self.issues)

    def relocated(self, index: int, resource_type: str) -> "FHIRError":
        """The same error placed in Bundle entry ``index`` ("Observation.code" becomes
        "Bundle.entry[3].resource.code")."""
        prefix = f"Bundle.entry[{index}]"
        issues = []
        for i in self.issues:
            expression = tuple(
                f"{prefix}.resource" + e[len(resource_type) :]
                if e.startswith(resource_type)
                else f"{prefix}.{e}"
                for e in i.expression
            ) or (prefix,)
            issues.append(Issue(i.code, f"{prefix}: {i.diagnostics}", expression, i.severity))
        return FHIRError(self.status, issues[0].code, "", issues=issues)


def invalid(diagnostics: str, expression: str, *, status: int = 400) -> FHIRError:
    return FHIRError(status, IssueType.INVALID, diagnostics, expression=expression)


def unprocessable(diagnostics: str, expression: str | None = None) -> FHIRError:
    return FHIRError(422, IssueType.PROCESSING, diagnostics, expression=expression)


def not_found(resource_type: str, resource_id: str) -> FHIRError:
    return FHIRError(
        404, IssueType.NOT_FOUND, f"{resource_type}/{resource_id} is not known to this server"
    )


def not_supported(diagnostics: str, *, status: int = 404) -> FHIRError:
    return FHIRError(status, IssueType.NOT_SUPPORTED, diagnostics)


@dataclass
class Outcome:
    """Warnings and notes collected while a write succeeds (returned with the result)."""

    issues: list[Issue] = field(default_factory=list)

    def warn(self, diagnostics: str, expression: str = "") -> None:
        expr = (expression,) if expression else ()
        self.issues.append(Issue(IssueType.INFORMATIONAL, diagnostics, expr, "warning"))


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    if not issues:
        issues = [Issue(IssueType.INFORMATIONAL, "All OK", severity="information")]
    return {"resourceType": "OperationOutcome", "issue": [i.to_fhir() for i in issues]}
