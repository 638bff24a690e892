-- sqlfluff:exclude_rules:layout.indent
-- (sqlfluff cannot place the loop of a macro body; the models that call it are checked.)
{#- The long indicator shape (one row per indicator and cell) from a wide relation with one
    row per cell: each cell is read once and paired with every (indikator, value expression,
    base expression); a union of one select per indicator would compute the relation again for
    each of them. Values are doubles, bases bigints; `null` for no base. -#}
{% macro lange_form(relation, werte) %}
    select
        indikatoren.indikator,
        {{ relation }}.zeitraum,
        {{ relation }}.gebiet,
        {{ relation }}.zielgruppe,
        {{ relation }}.handlungsfeld,
        '' as aufschluesselung,
        case indikatoren.indikator
            {% for indikator, wert, basis in werte %}
            when '{{ indikator }}' then cast({{ wert }} as double)
            {% endfor %}
        end as wert,
        case indikatoren.indikator
            {% for indikator, wert, basis in werte %}
            when '{{ indikator }}' then cast({{ basis }} as bigint)
            {% endfor %}
        end as basis
    from {{ relation }}
    cross join (
        values {% for indikator, wert, basis in werte %}('{{ indikator }}'){% if not loop.last %}, {% endif %}{% endfor %}
    ) as indikatoren (indikator)
{% endmacro %}

{#- Join condition: the same cell (period, area, target group, topic) on both sides. -#}
{% macro gleiche_zelle(links, rechts) -%}
    {{ links }}.zeitraum = {{ rechts }}.zeitraum
        and {{ links }}.gebiet = {{ rechts }}.gebiet
        and {{ links }}.zielgruppe = {{ rechts }}.zielgruppe
        and {{ links }}.handlungsfeld = {{ rechts }}.handlungsfeld
{%- endmacro %}
