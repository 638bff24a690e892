{#- The model holds at most one row (a one-row summary such as the check of a build; none
    in `dbt build --empty`). A failing test returns one row with the count found. -#}

{% test expect_at_most_one_row(model) %}

    with counted as (
        select count(*) as zeilen from {{ model }}
    )

    select zeilen from counted where zeilen > 1

{% endtest %}
