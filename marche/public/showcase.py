"""What a visitor is shown of an artisan: who may be shown, the story cut short, the meta lines."""

from flask_login import current_user

from ..extensions import db
from ..models import ArtisanProfile, Product

LEAD_CHARS = 160


def is_visible(profile: ArtisanProfile) -> bool:
    """Tell whether visitors may see this artisan's page (switched on, account active)."""
    return bool(profile.public and profile.user is not None and profile.user.active)


def is_owner(profile: ArtisanProfile) -> bool:
    """Tell whether the logged-in user is this artisan (who may preview a hidden page)."""
    return bool(current_user.is_authenticated and current_user.id == profile.user_id)


def story_parts(story: str, lead_chars: int = LEAD_CHARS) -> tuple[str, str]:
    """Split a story into its first lines and the rest (shown behind "read more")."""
    story = (story or "").strip()
    lines = story.splitlines()
    if len(story) <= lead_chars and len(lines) <= 2:
        return story, ""
    head = "\n".join(lines[:2])
    cut = min(len(head), lead_chars)
    if cut < len(story) and not story[cut].isspace():
        # Cut between two words, never inside one.
        space = story.rfind(" ", 0, cut)
        if space > lead_chars // 2:
            cut = space
    return story[:cut].rstrip(), story[cut:].strip()


def active_products(profile: ArtisanProfile) -> list[Product]:
    return list(db.session.execute(
        db.select(Product).where(Product.artisan_id == profile.user_id, Product.active)
        .order_by(Product.category, Product.name)).scalars())


def describe(profile: ArtisanProfile) -> str:
    """Return one line for search engines and link previews."""
    parts = [profile.display_name]
    if profile.craft:
        parts.append(profile.craft)
    text = " · ".join(parts)
    lead, _rest = story_parts(profile.story)
    if lead:
        text = f"{text}. {lead}"
    return text if len(text) <= 200 else text[:199].rstrip() + "…"
