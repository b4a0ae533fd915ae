// The client's pages, in one chunk loaded when the first of them is opened (see routes.tsx).
export { BookingPage, BookingsPage } from "./bookings";
export { ProfilePage } from "./profile";
export { ArticlePage } from "./publications";
export { ReviewPage } from "./review";
export { SearchPage } from "./search";
