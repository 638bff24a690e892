{#- The model holds exactly one row (a one-row summary such as the check of a build). A
    failing test returns one row with the count found. -#}

{% test expect_one_row(model) %}

    with counted as (
        select count(*) as zeilen from {{ model }}
    )

    select zeilen from counted where zeilen <> 1

{% endtest %}
