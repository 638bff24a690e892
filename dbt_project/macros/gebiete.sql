{% macro nur_kreis_ohne_staedte() -%}
    {#- After `group by ..., rollup(ags)`: a kreisfreie Stadt is its own only area, so only
        the total row stays (its one area would otherwise appear twice). -#}
    {%- if not var('mit_staedten') %}
        having grouping(ags) = 1
    {%- endif %}
{%- endmacro %}
