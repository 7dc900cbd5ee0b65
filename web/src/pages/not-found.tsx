import { Link } from '../router';

export default function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page here. Go to the <Link href="/runbooks">runbooks</Link>.
      </p>
    </section>
  );
}
