{#-
    The combination of the given columns is unique (a composite key), like dbt_utils'
    test of the same name (the project downloads no packages).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as anzahl
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

{% endtest %}
