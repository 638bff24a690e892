-- sqlfluff:exclude_rules:layout.indent
-- (sqlfluff cannot place the loop of a macro body; the models that call it are checked.)
{#- The long indicator shape (one row per indicator and cell) from a wide relation with one
    row per cell: for each (indikator, value expression, base expression) one select, joined
    by union all. Values are doubles, bases bigints; `null` for no base. -#}
{% macro lange_form(relation, werte) %}
    {% for indikator, wert, basis in werte %}
        select
            '{{ indikator }}' as indikator,
            zeitraum,
            gebiet,
            zielgruppe,
            handlungsfeld,
            '' as aufschluesselung,
            cast({{ wert }} as double) as wert,
            cast({{ basis }} as bigint) as basis
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endmacro %}

{#- Join condition: the same cell (period, area, target group, topic) on both sides. -#}
{% macro gleiche_zelle(links, rechts) -%}
    {{ links }}.zeitraum = {{ rechts }}.zeitraum
        and {{ links }}.gebiet = {{ rechts }}.gebiet
        and {{ links }}.zielgruppe = {{ rechts }}.zielgruppe
        and {{ links }}.handlungsfeld = {{ rechts }}.handlungsfeld
{%- endmacro %}
