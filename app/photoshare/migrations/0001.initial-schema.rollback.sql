DROP TABLE thumbnails;
DROP TABLE photos;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
