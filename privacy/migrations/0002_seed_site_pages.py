"""Placeholder texts for the privacy policy and the accessibility statement.

The operator is fictional ("Trägerverbund Kompetenzzentrum Musterstadt"); admins replace the
texts in Django admin (Data protection › Site pages) before going live.
"""

from django.db import migrations

PRIVACY_DE = """Verantwortliche Stelle
Trägerverbund Kompetenzzentrum (Platzhalter), Musterstraße 1, 10000 Berlin, datenschutz@ikmo.example. Bitte ersetzen Sie diese Angaben durch die des tatsächlichen Betreibers.

Datenschutzbeauftragte*r
Erreichbar unter dsb@ikmo.example (Platzhalter).

Welche Daten wir verarbeiten
Für Ihr Konto: E-Mail-Adresse, Name (freiwillig), Sprache, Anmeldezeitpunkte. Für Ihre Organisation: Kontaktdaten, Bezirk, Arbeitsfelder und die Angaben, die Sie in den Teilprojekten machen (Anmeldungen zu Workshops, Anträge im Aktionsfonds, Tandems, Einsatzstellen, Gespräche).

Zwecke und Rechtsgrundlagen
Wir verarbeiten die Daten, um die Angebote des Kompetenzzentrums zu erbringen (Art. 6 Abs. 1 lit. b DSGVO), um Berichtspflichten gegenüber den Fördermittelgebenden zu erfüllen (Art. 6 Abs. 1 lit. c DSGVO) und, wo Sie eingewilligt haben, für die genannten Zwecke (Art. 6 Abs. 1 lit. a DSGVO). Einwilligungen können Sie jederzeit unter „Meine Daten“ widerrufen.

Empfänger*innen
Die Mitarbeitenden der Trägervereine im jeweiligen Teilprojekt. An Fördermittelgebende geben wir nur Zahlen ohne Namen weiter.

Speicherdauer
Daten werden gelöscht oder anonymisiert, sobald sie nicht mehr gebraucht werden: Angaben zu Freiwilligen ein Jahr nach Ende des Einsatzes, Gesprächsinhalte drei Jahre nach dem Gespräch, Konten ohne Anmeldung nach drei Jahren. Zahlen für die Berichte bleiben ohne Personenbezug erhalten.

Ihre Rechte
Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung, Datenübertragbarkeit und Widerspruch. Unter „Meine Daten“ können Sie eine Kopie Ihrer Daten herunterladen und die Löschung beantragen. Sie können sich bei der Berliner Beauftragten für Datenschutz und Informationsfreiheit beschweren.

Cookies
Das Portal verwendet nur technisch notwendige Cookies (Anmeldung, Sprache, Schutz vor Fälschung von Formularen)."""

PRIVACY_EN = """Controller
Carrier association of the competence centre (placeholder), Musterstraße 1, 10000 Berlin, datenschutz@ikmo.example. Please replace these details with those of the actual operator.

Data protection officer
Reachable at dsb@ikmo.example (placeholder).

What data we process
For your account: e-mail address, name (optional), language, sign-in times. For your organisation: contact details, district, fields of work and what you enter in the sub-projects (workshop registrations, action fund applications, tandems, placement sites, talks).

Purposes and legal bases
We process the data to provide the competence centre's services (Art. 6(1)(b) GDPR), to meet our reporting duties towards the funders (Art. 6(1)(c) GDPR) and, where you have consented, for the stated purposes (Art. 6(1)(a) GDPR). You can withdraw consents at any time under "My data".

Recipients
The staff of the carrier associations in the sub-project concerned. Funders receive figures only, without names.

Retention
Data is deleted or anonymised once it is no longer needed: volunteers' details one year after their placement ends, interview contents three years after the interview, accounts without a sign-in after three years. Figures for the reports are kept without reference to persons.

Your rights
You have the right of access, rectification, erasure, restriction of processing, data portability and objection. Under "My data" you can download a copy of your data and ask for erasure. You can complain to the Berlin Commissioner for Data Protection and Freedom of Information.

Cookies
The portal uses only technically necessary cookies (sign-in, language, protection against forged forms)."""

ACCESSIBILITY_DE = """Diese Erklärung gilt für das IKMO-Portal des Trägerverbunds Kompetenzzentrum (Platzhalter).

Stand der Vereinbarkeit mit den Anforderungen
Das Portal soll die Anforderungen der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der WCAG 2.1 auf Stufe AA erfüllen. Es ist mit Tastatur bedienbar, funktioniert mit Bildschirmlesern, passt sich kleinen Bildschirmen an und unterstützt Sprachen, die von rechts nach links geschrieben werden. Die Seiten werden automatisiert mit axe-core geprüft.

Nicht barrierefreie Inhalte
Hochgeladene Dokumente (zum Beispiel Belege oder Anerkennungsbescheide) sind nicht immer barrierefrei. Erzeugte PDF-Dokumente sind noch nicht vollständig getaggt.

Erstellung dieser Erklärung
Diese Erklärung ist ein Platzhalter und wurde auf Grundlage einer Selbstbewertung erstellt. Bitte ergänzen Sie das Datum der letzten Prüfung.

Feedback und Kontakt
Barrieren gefunden? Schreiben Sie uns an barrierefreiheit@ikmo.example (Platzhalter). Wir antworten innerhalb von sechs Wochen.

Schlichtungsverfahren
Wenn Sie keine zufriedenstellende Antwort erhalten, können Sie sich an die Schlichtungsstelle nach dem Berliner Landesgleichberechtigungsgesetz wenden."""

ACCESSIBILITY_EN = """This statement applies to the IKMO portal of the carrier association of the competence centre (placeholder).

Compliance status
The portal aims to meet the requirements of the German Accessible Information Technology Ordinance (BITV 2.0) and WCAG 2.1 level AA. It can be used with a keyboard, works with screen readers, adapts to small screens and supports right-to-left languages. The pages are checked automatically with axe-core.

Content that is not accessible
Uploaded documents (for example receipts or recognition notices) are not always accessible. Generated PDF documents are not yet fully tagged.

Preparation of this statement
This statement is a placeholder, prepared on the basis of a self-assessment. Please add the date of the last review.

Feedback and contact
Found a barrier? Write to barrierefreiheit@ikmo.example (placeholder). We answer within six weeks.

Enforcement procedure
If you do not receive a satisfactory answer, you can turn to the conciliation body under the Berlin State Equal Opportunities Act."""

PAGES = [
    ("privacy", "Datenschutzerklärung", "Privacy policy", PRIVACY_DE, PRIVACY_EN),
    (
        "accessibility",
        "Erklärung zur Barrierefreiheit",
        "Accessibility statement",
        ACCESSIBILITY_DE,
        ACCESSIBILITY_EN,
    ),
]


def seed(apps, schema_editor):
    SitePage = apps.get_model("privacy", "SitePage")
    for slug, title_de, title_en, body_de, body_en in PAGES:
        SitePage.objects.get_or_create(
            slug=slug,
            defaults={
                "title_de": title_de,
                "title_en": title_en,
                "body_de": body_de,
                "body_en": body_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
