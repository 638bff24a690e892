-- The attacker check passed: every sensitive count (suppressed by rule 1) keeps an integer
-- interval at least k wide against all published cells and relations. The model raises
-- before this when its own proof fails; this test keeps a changed model honest.
select * from {{ ref('fct_geheimhaltungspruefung') }}
where not bestanden
