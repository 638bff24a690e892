{% macro schranke(art, teil, ganzes) -%}
    {#- The select list of a bound `teil <= ganzes` between two cells, as memberships of one
        relation (int_geheimhaltung_gruppen). -#}
    '{{ art }}' as art,
    concat_ws('|', {{ teil }}, {{ ganzes }}) as schluessel,
    unnest([{{ teil }}, {{ ganzes }}]) as zelle,
    unnest([false, true]) as ist_summe,
    false as ist_gleichung
{%- endmacro %}
