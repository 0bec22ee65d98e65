"""Evidence attachments: files kept with a record, for any feature that needs them.

Files are stored in the database (`Attachment` for the metadata, `AttachmentContent`
for the bytes, in a table of its own), so `flask backup` and `flask restore` carry
them with everything else. Each records its size, SHA-256, who uploaded it and when.
Files are never deleted: replacing one adds a new file and marks the old one
superseded (it stays listed and downloadable). The type is judged from the content
(`rules.detect_kind`), never from the name or the browser's word; names are cleaned
(`rules.clean_filename`) and a name with a folder path is refused with a message.

How a feature attaches files to one of its records
---------------------------------------------------
1. Register the kind of record once, at import time of a module the app imports
   (tracker/actions/evidence.py is the example)::

       from tracker.attachments.definitions import OwnerKind, register_owner_kind

       RESPONSE = register_owner_kind(OwnerKind(
           name="adhoc_response",               # stored; never rename
           label="Written response",
           can_view=lambda user, id: ...,       # the record is visible to the user
           can_attach=lambda user, id: ...,     # the user may add files to it
           link=lambda id: url_for(...),        # the page that lists the files
           audit_target=lambda id: (AuditEntity.ADHOC_REQUEST, request_id_of(id)),
       ))

   Downloads (`/attachments/<id>`) and replacements then follow `can_view` and
   `can_attach` through `policy.can_view_attachment` / `policy.can_replace_attachment`:
   404 when the record is not visible, as everywhere else.

2. Add a file field to the form::

       from tracker.attachments.forms import EvidenceFilesField

       class ResponseForm(FlaskForm):
           files = EvidenceFilesField("Attach evidence (optional)")

   and render it in a form with ``enctype="multipart/form-data"``:
   ``{{ form.files(params={"attributes": {"accept": attachment_accept}}) }}``.
   Validating the form checks every chosen file (type from content, size against
   MAX_UPLOAD_MB, empty, path in the name) and puts each problem on the field, so
   a bad file fails the whole form and nothing is saved. The accepted files are in
   ``form.files.prepared`` (a list of `rules.PreparedFile`).

3. Save the files in the same unit of work as the record, from the service, after the
   record is flushed (so it has an id)::

       from tracker.attachments.services import attach_files

       db.session.flush()
       attach_files(RESPONSE.name, response.id, files, by=by)

   `attach_files` checks `can_attach`, adds the rows and audits each upload against
   `audit_target`; the caller commits once, so a refused record saves no files.

4. List the files on the record's page, loading them in one query for the whole page::

       from tracker.attachments.queries import attachments_by_owner
       files = attachments_by_owner(RESPONSE.name, [r.id for r in responses])

   ``{% from "attachments/_macros.html" import attachment_list %}``
   ``{{ attachment_list(files.get(response.id, [])) }}`` shows each file's name,
   type, size and download link, and marks superseded files.
"""
