"""Assisted annotation: draft a new document's annotations as candidates, review them, match claims across documents.

- :mod:`.sentences`, :mod:`.cues`, :mod:`.actors`, :mod:`.numbers`: what the drafter reads in a text;
- :mod:`.drafter`: candidates with their reasons; :mod:`.draft_yaml`: the ordinary annotation file, round-trip;
- :mod:`.intake`: ``policykg add-document`` (checks, then two atomic writes);
- :mod:`.review_session` and :mod:`.review_app`: ``policykg review`` (decisions and save rules; the screen);
- :mod:`.similarity`: cross-document matching (``similar()``, for the review and the REST API);
- :mod:`.graph`: what is read from the built graph; :mod:`.evaluation`: the drafter's measured quality.
"""
