{#- Labels of every breakdown dimension, as `dimension=wert` strings. -#}
{% macro aufschluesselung_werte(mit_partner=false) -%}
    {%- set werte = [] -%}
    {%- for dimension, labels in var('aufschluesselungen').items() -%}
        {%- for label in labels -%}
            {%- do werte.append(dimension ~ '=' ~ label) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if mit_partner -%}
        {%- for label in var('partner') -%}
            {%- do werte.append('partner=' ~ label) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(werte) }}
{%- endmacro %}
