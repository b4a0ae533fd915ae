// The start page: what Parley is, a search by topic (GET /experts?tag=, on /search) and the
// catalogue's categories as links to their search.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { app } from "../../app/context";
import { Link, navigate } from "../../app/router";
import { useLoad } from "../../ui/async";
import { Await, Page } from "../../ui/page";

export function HomePage(): JSX.Element {
  const [topic, setTopic] = useState("");
  const catalogue = useLoad(() => app.api.get("/catalogue"), []);
  return (
    <Page title="Talk to an expert, by the minute">
      <p class="lead">
        Parley connects you with experts for a voice or video call: call one who is online now, or book a time that
        suits you. You pay by the minute or for the booked time, and only for what you get.
      </p>
      <form
        class="home-search"
        role="search"
        aria-label="Find an expert"
        onSubmit={(event) => {
          event.preventDefault();
          const q = topic.trim();
          navigate(q ? `/search?q=${encodeURIComponent(q)}` : "/search");
        }}
      >
        <label for="home-topic">Search experts by topic</label>
        <div class="home-search-row">
          <input
            id="home-topic"
            type="search"
            name="q"
            value={topic}
            placeholder="e.g. pricing, python, visas"
            onInput={(event) => setTopic((event.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit">Search</button>
        </div>
      </form>
      <h2>How it works</h2>
      <ul class="home-steps">
        <li>Find an expert by topic or category and read their profile and reviews.</li>
        <li>Call them now if they are online, or book one of their free times in your own time zone.</li>
        <li>After the call, you get a receipt and can rate it.</li>
      </ul>
      <h2>Browse by category</h2>
      <Await loaded={catalogue} what="categories">
        {(found) => (
          <ul class="home-categories">
            {found.categories.map((category) => (
              <li key={category.id}>
                <Link href={`/search?category=${encodeURIComponent(category.id)}`}>{category.name}</Link>
              </li>
            ))}
          </ul>
        )}
      </Await>
    </Page>
  );
}
