"""Who may use the family's pages: a family's session (or no session, to sign in); never a
staff session, which is refused and the refusal audited."""

from bts.audit import refuse


def staff_session_refused() -> None:
    """Note a staff session's attempt at a family page (written after the 403)."""
    refuse(detail="family_page")
