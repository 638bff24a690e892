"""Statistical confidentiality: joint secondary suppression and the attacker check.

The published count cells and every linear relation a reader knows form one linked table
(`LinkedTable`). `pattern.protect` chooses what to suppress and `audit.attack` proves, by
linear programming, that no suppressed small count can be narrowed down.
"""
