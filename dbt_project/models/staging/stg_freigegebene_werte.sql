-- Count cells of signed-off periods as they were published (`kim freigabe`): a second
-- version of the table that readers see beside the current one. `kim build` collects them
-- from the frozen copies into one file (KIM_FREIGABEN); without sign-offs there are none.
{% set datei = env_var('KIM_FREIGABEN', '') %}
{% if datei %}
    with source as (
        select * from read_parquet('{{ datei }}')
    ),

    renamed as (
        select
            indikator,
            zeitraum,
            gebiet,
            zielgruppe,
            handlungsfeld,
            aufschluesselung,
            wert,
            unterdrueckt
        from source
    )

    select * from renamed
{% else %}
    select
        cast(null as varchar) as indikator,
        cast(null as varchar) as zeitraum,
        cast(null as varchar) as gebiet,
        cast(null as varchar) as zielgruppe,
        cast(null as varchar) as handlungsfeld,
        cast(null as varchar) as aufschluesselung,
        cast(null as double) as wert,
        cast(null as boolean) as unterdrueckt
    where false
{% endif %}
