// The folder the app reads templates/, locales/, public/ and config/ from: the repository when run from src/ (tsx),
// dist/ when run from the build (npm run build copies them there in the same layout, one level above this file).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
