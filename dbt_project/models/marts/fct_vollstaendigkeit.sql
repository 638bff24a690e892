-- Completeness of the optional case fields per delivering source and town in the current
-- snapshot (a welfare provider delivers cases of the towns it serves as a source of its own).
with faelle as (
    select * from {{ ref('stg_faelle') }}
),

{% set felder = ['erstkontakt', 'geschlecht', 'geburtsjahr', 'staatsangehoerigkeit',
                 'einreisedatum', 'aufenthaltsstatus', 'zugang'] %}
je_feld as (
    {% for feld in felder %}
        select
            quelle,
            ags as gebiet,
            '{{ feld }}' as feld,
            count(*) as faelle,
            count({{ feld }}) as ausgefuellt
        from faelle
        group by quelle, ags
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        quelle,
        gebiet,
        feld,
        faelle,
        ausgefuellt,
        100.0 * ausgefuellt / nullif(faelle, 0) as anteil_prozent
    from je_feld
)

select * from final
