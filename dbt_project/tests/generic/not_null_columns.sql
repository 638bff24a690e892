{#-
    None of the given columns is empty: one query for all required columns of a model
    instead of one `not_null` test per column (every test node costs dbt start-up time).
-#}
{% test not_null_columns(model, columns) %}

    select {{ columns | join(', ') }}
    from {{ model }}
    where {% for column in columns -%}
        {{ column }} is null{{ " or " if not loop.last }}
    {%- endfor %}

{% endtest %}
