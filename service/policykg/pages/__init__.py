"""Server-rendered HTML pages: home, query editor, and one page per resource (proposal, actor, claim, document …)."""
