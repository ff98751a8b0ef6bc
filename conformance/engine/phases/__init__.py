"""The request families the engine sends, one module each.

Each phase turns what discovery found into requests chosen so that particular rules have
something to judge, and declares `BOUND`: the most SearchUsers-or-raw requests it can send, which
the plan announces before the first request. Phases never judge anything themselves (the
property phase only asks the rules, to let hypothesis shrink).
"""
