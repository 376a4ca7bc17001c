"""The top bar's links to the oversight pages, by the roles of the user's posts."""

from django import template

register = template.Library()


@register.filter
def roles_of(posts) -> set[str]:
    """The roles of the user's posts (``workstation.context_processors.posts``)."""
    return {post.role for post in posts}
