{% macro pseudonym_spalten() -%}
    {#- The pseudonym columns (case, person, contact, referral and procedure ids), joined by
        `|`. `kim build` passes their names from the export format
        (warehouse.build.dbt_vars); without them dbt stops instead of publishing pseudonyms. -#}
    {%- set spalten = var('pseudonym_spalten', none) %}
    {%- if spalten is none %}
        {{- exceptions.raise_compiler_error(
            "Variable pseudonym_spalten fehlt: kim build übergibt sie "
            ~ "(warehouse.build.dbt_vars); ohne sie würden Pseudonyme veröffentlicht."
        ) }}
    {%- endif %}
    {{- spalten | join('|') }}
{%- endmacro %}

{% macro ist_pseudonymspalte(spalte) -%}
    {#- Whether the column named in `spalte` holds pseudonyms. -#}
    regexp_full_match(coalesce({{ spalte }}, ''), '{{ pseudonym_spalten() }}')
{%- endmacro %}

{% macro ohne_pseudonymwert(meldung) -%}
    {#- A loader message without the value of a pseudonym column: of `Zeile 4, Spalte
        fall_id: reason (Wert: „F123456“)` (also `Spalte „Fallnummer“ → fall_id` from an
        import profile) it keeps line, column and reason. -#}
    regexp_replace(
        {{ meldung }},
        '^(Zeile [0-9]+, Spalte (.* → )?({{ pseudonym_spalten() }}): .*) \(Wert: „.*“\)$',
        '\1'
    )
{%- endmacro %}
