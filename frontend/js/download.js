// download.js — hands text to the person as a file download (a Blob behind a temporary link).
// Leaves out: what the text is (the model's JSON, a dataset's CSV).

/** Download `text` as a file named `name` of MIME type `type`. */
export function download(text, name, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
