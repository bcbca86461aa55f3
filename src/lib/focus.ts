// Moves focus to the first invalid field of a form once React has rendered the error state (which may be a
// frame or two after the server answered), so keyboard and screen-reader users land on what needs fixing.
export function focusFirstInvalid(form: HTMLElement | null, framesLeft = 20): void {
  if (!form) return;
  const field = form.querySelector<HTMLElement>("[aria-invalid=true]");
  if (field && !(field as HTMLInputElement).disabled) {
    field.focus();
    return;
  }
  if (framesLeft > 0) requestAnimationFrame(() => focusFirstInvalid(form, framesLeft - 1));
}
