"""Intelligence at intake and on the map (issue 12): classification, duplicates, hot spots.

Three apps beside intake, each listening to case events and writing only through
`zhiguan.cases.services` (a suggestion or a duplicate link is an annotation, a merge is
`perform("merge")`). `text.py` is the one Chinese text normaliser both text models use.
"""
