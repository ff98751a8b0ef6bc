"""Evidence: what a run's exchanges show, read one way for everyone who reads them.

The floor between the exchange log and the rules. `reading` holds the defensive accessors
(requests as sent, answers as received, SearchUsers results), `listings` the one reading of a
ListUsers/ListFaces page and NextToken chain, `views` the per-collection, per-epoch index the
rules query (`Evidence`), and `writes` the collection as the log's successful writes left it.
Discovery, the rules and the stateful phase all read through these, so they cannot disagree
about what an answer said. Nothing here imports the rules, the engine or a target.
"""

from conformance.evidence.views import CollectionView, Evidence, read_key

__all__ = ["CollectionView", "Evidence", "read_key"]
