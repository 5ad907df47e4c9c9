"""What participants give and the rules that keep it right: written answers, questions from the
floor, support votes and ballots, the one query for what may be seen and the one rule for what
is most supported; ballots (`ballots.py`), the word-cloud key (`folding.py`) and results, always
a recount, with who may see them (`tally.py`). Knows nothing of sockets, breakout rounds or pages."""
